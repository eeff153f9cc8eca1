"""Plain HTTP: the crawl's client, its cookie jar, and reading a page from the HTML a server sent."""
