"""Browser tests: their fixtures (browser, page, demo_site) live in tests/conftest.py, shared
by every folder whose tests drive Chromium."""
