#!/usr/bin/env python3
"""Reads the demo page's DOM (chromium --dump-dom) on stdin and checks each row of its
table: 'readable' must show 'readable status 200', 'readable (status N)' must show
'readable status N', 'blocked' must show 'blocked by CORS'. Prints 'N rows as expected'
or the rows that are not."""
import html.parser
import re
import sys


class Rows(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.body, self.done = [], None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == 'body' and ('data-done', '1') in attrs:
            self.done = True
        if tag == 'tbody':
            self.body = True
        elif tag == 'tr' and self.body:
            self.rows.append([])
        elif tag == 'td' and self.body:
            self.cell = ''

    def handle_endtag(self, tag):
        if tag == 'td' and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def wanted(expected):
    if expected == 'blocked':
        return 'blocked by CORS'
    m = re.match(r'^readable(?: \(status (\d+)\))?$', expected)
    return f'readable status {m.group(1) or 200}' if m else None


page = Rows()
page.feed(sys.stdin.read())
bad = [f'{name!r}: expected {exp!r}, shows {got!r}' for name, exp, got in page.rows
       if not wanted(exp) or not got.startswith(wanted(exp))]
if not page.done:
    bad.append("the page's script did not finish")
print('; '.join(bad) if bad or not page.rows else f'{len(page.rows)} rows as expected')
