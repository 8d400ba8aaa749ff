"""Hostile text: what the fuzz and escaping tests type into every field."""

from hypothesis import strategies as st

HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    '<b>bold</b><br><a href="javascript:alert(1)">link</a>',
    "'; DROP TABLE projects_project; --",
    "Robert'); DELETE FROM auth_user;--",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB",
    "\rCR",
    "line\nbreak\x0bvt\x1bescape\x7f",
    "\u202eevil\u202c right-to-left \u200f\u200e",
    "emoji 🚀🔥👩🏽‍💻 and combining e\u0301",
    "%{y}%{customdata[0]} ${7*7} {{7*7}} {% debug %}",
    "../../etc/passwd",
    "%00%ff%zz%",
    "x" * 5000,
    "",
    " ",
]

# Values the views know, so that examples also reach past the first validation.
KNOWN_VALUES = [
    "microsoft",
    "construction",
    "operational",
    "data_centre",
    "gas",
    "US",
    "GB",
    "2030",
    "1999",
    "1",
    "0",
    "-1",
    "1e9",
    "true",
]

text_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(HOSTILE),
    st.sampled_from(KNOWN_VALUES),
    st.integers().map(str),
)
