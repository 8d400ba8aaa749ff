"""Reading a rendered page in tests: the figures of its JSON data islands, one chart card."""

import json
import re


def islands(html):
    """The figures of the page's JSON data islands, by element id."""
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)
    return {key: json.loads(value) for key, value in found}


def card(html, chart):
    """The chart card's HTML."""
    return html.split(f'id="chart-{chart}"')[1].split("</article>")[0]
