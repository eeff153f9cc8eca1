"""Relevance sets: real manuals from Debian packages, what people search them for, and the page they mean."""
