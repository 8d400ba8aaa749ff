"""The dashboard: its filter vocabulary (filters), selectors, cached chart blocks (blocks),
warm fast path (fastpath), views, exports and urls."""
