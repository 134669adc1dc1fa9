#!/bin/sh
printf 'Content-Type: application/json\r\n\r\n'
printf '{"cookie": "%s"}\n' "$(printf '%s' "${HTTP_COOKIE:-}" | tr -cd 'A-Za-z0-9=; _-')"
