"""Board packs: the current view of the dashboard (or of a shared link) as a PDF made by headless
Chromium from a print view, as a job (issue 19). `render.render_board_pack` is the one function
other features call (the digests attach it)."""
