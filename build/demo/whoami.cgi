#!/bin/sh
# The request's body is read first (all of it): a CGI that leaves it unread keeps
# httpd's mod_cgid waiting before it sends the answer (AH00574).
head -c "${CONTENT_LENGTH:-0}" >/dev/null
printf 'Content-Type: application/json\r\n\r\n'
printf '{"cookie": "%s"}\n' "$(printf '%s' "${HTTP_COOKIE:-}" | tr -cd 'A-Za-z0-9=; _-')"
