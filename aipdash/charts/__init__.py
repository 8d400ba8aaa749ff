"""Pure figure builders: `ChartData` in, a Plotly figure dict, a card or a workbook out; no ORM
and no request. See `build` for the conventions every figure keeps."""
