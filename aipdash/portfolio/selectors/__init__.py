"""Reads for the portfolio pages: the portfolio lists, a partner page, a project page."""
