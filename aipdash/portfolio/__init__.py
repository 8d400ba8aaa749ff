"""The portfolio's pages: /portfolio/ (every deal, partner and project on record), a partner
page and a project page, with their selectors and the project's timeline. Read-only views of
the records that partners/ and projects/ keep."""
