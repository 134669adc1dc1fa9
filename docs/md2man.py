#!/usr/bin/env python3
"""Turns one of the manual's Markdown pages into a man page (man(7) macros).

    docs/md2man.py docs/cors-lint.md VERSION > out/man/cors-lint.1

The Markdown page is the one source: the man page cannot say something the docs do not.
It reads only the subset the docs are written in: a title '# name(N): summary', '##' and
'###' headings, paragraphs, '-' and '1.' lists (continued by indented lines), fenced
code blocks, tables, `code`, **bold**, *italic*, [links](...) and <URLs>. Anything else
is an error, so that a new construct is converted on purpose, not mangled.
The date is SOURCE_DATE_EPOCH's (reproducible builds) or today's.
"""
import datetime
import os
import re
import sys


def escape(text):
    """Escapes roff's special characters in running text."""
    return text.replace('\\', '\\e')


def literal(text):
    """A literal (file, option, directive), with real minus signs."""
    return escape(text).replace('-', '\\-')


def inline(text):
    """Converts a paragraph's inline Markdown to roff fonts."""
    # Code spans first, out of the way of the other marks (**`X`** is bold code).
    spans = []
    held = re.compile('\x00(\\d+)\x00')

    def hold(m):
        spans.append(literal(m.group(1)))
        return f'\x00{len(spans) - 1}\x00'

    def plain(s):
        return held.sub(lambda m: spans[int(m.group(1))], s)

    text = re.sub(r'`([^`]*)`', hold, text)
    text = text.replace('\\|', '|')
    text = re.sub(r'<(https?://[^>]+)>', r'\1', text)
    text = re.sub(r'\[([^\]]+)\]\((https?://[^)]+)\)', r'\1 <\2>', text)
    text = re.sub(r'\[([^\]]+)\]\([^)]+\)', r'\1', text)
    text = escape(text)
    text = re.sub(r'\*\*([^*]+)\*\*', lambda m: '\\fB' + plain(m.group(1)) + '\\fR', text)
    text = re.sub(r'(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', r'\\fI\1\\fR', text)
    return held.sub(lambda m: '\\fB' + spans[int(m.group(1))] + '\\fR', text)


def line_out(text):
    """A roff text line: one starting with '.' or an apostrophe would be a request."""
    return '\\&' + text if text[:1] in ('.', "'") else text


def cells(row):
    row = row.strip().strip('|')
    return [c.strip() for c in re.split(r'(?<!\\)\|', row)]


def table(rows, emit):
    """A table as tagged paragraphs: the first cell is the tag, the others follow it,
    named by their column where there are several (tbl's wide tables do not fit 80
    columns)."""
    head = cells(rows[0])
    for row in rows[2:]:
        c = cells(row)
        emit('.TP')
        emit(line_out(inline(c[0])) if c[0] else '\\&')
        rest = [(h, v) for h, v in zip(head[1:], c[1:]) if v]
        if len(head) == 2:
            text = ' '.join(v for _, v in rest)
        else:
            text = '; '.join(f'{h}: {v}' if h else v for h, v in rest)
        emit(line_out(inline(text)) if text else '\\&')


def title(line, version):
    m = re.match(r'^# ([\w.-]+)\((\d)\): (.+)$', line)
    if not m:
        sys.exit(f'md2man: the first line must be "# name(N): summary", not {line!r}')
    name, section, _ = m.groups()
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    day = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
           if epoch else datetime.datetime.now(datetime.timezone.utc))
    return [f'.TH {name.upper()} {section} {day:%Y-%m-%d} "mod_cors {version}"'
            ' "mod_cors and cors-lint"']


def convert(lines, version):
    out = title(lines[0], version)
    emit = out.append
    i = 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith('```'):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            if j == len(lines):
                sys.exit(f'md2man: line {i + 1}: unclosed code block')
            emit('.PP')
            emit('.RS 4')
            emit('.nf')
            for code in lines[i + 1:j]:
                emit(line_out(escape(code)))
            emit('.fi')
            emit('.RE')
            i = j + 1
        elif line.startswith('## '):
            emit('.SH ' + escape(line[3:]).upper().replace('`', ''))
            i += 1
        elif line.startswith('### '):
            emit('.SS ' + escape(line[4:]).replace('`', ''))
            i += 1
        elif line.startswith('#'):
            sys.exit(f'md2man: line {i + 1}: only ## and ### headings: {line!r}')
        elif line.startswith('|'):
            j = i
            while j < len(lines) and lines[j].startswith('|'):
                j += 1
            table(lines[i:j], emit)
            i = j
        elif re.match(r'^(- |\d+\. )', line):
            m = re.match(r'^(- |\d+\. )(.*)$', line)
            text = [m.group(2)]
            j = i + 1
            while j < len(lines) and lines[j].startswith('  ') and lines[j].strip():
                text.append(lines[j].strip())
                j += 1
            tag = '\\(bu' if m.group(1) == '- ' else m.group(1).strip()
            emit(f'.IP {tag} 4')
            emit(line_out(inline(' '.join(text))))
            i = j
        else:
            text = []
            j = i
            while (j < len(lines) and lines[j].strip() and
                   not re.match(r'^(```|#|\||- |\d+\. )', lines[j])):
                text.append(lines[j].strip())
                j += 1
            para = inline(' '.join(text))
            if out[-1] == '.SH NAME':  # whatis(1) reads 'name \- summary'
                para = para.replace(' - ', ' \\- ', 1)
            emit('.PP')
            emit(line_out(para))
            i = j
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: md2man.py PAGE.md VERSION')
    with open(sys.argv[1], encoding='utf-8') as f:
        lines = f.read().split('\n')
    sys.stdout.write('\n'.join(convert(lines, sys.argv[2])) + '\n')


if __name__ == '__main__':
    main()
