"""Chromium through Playwright: finding and installing it, tabs, reading a rendered page, capturing a login."""
