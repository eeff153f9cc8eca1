"""One crawl's run: its pages fetched, judged, recorded and counted (docs/architecture.md, "A crawl")."""
