#!/bin/sh
# make install / make uninstall from the source tree: mod_cors.so into httpd's module
# directory, cors.load and cors.conf into mods-available (Debian's layout), cors-lint
# and its pre-commit hook into $PREFIX/bin, the man pages (make man) into
# $PREFIX/share/man, the README and docs/*.md into $PREFIX/share/doc/mod_cors.
#
#   DESTDIR          staging root prepended to every path (packaging, tests)
#   PREFIX           cors-lint and the documentation (default /usr/local)
#   MODULEDIR        httpd's module directory (default: apxs -q LIBEXECDIR)
#   APACHE_CONFDIR   httpd's configuration directory (default: apxs -q SYSCONFDIR)
#
# cors.load and cors.conf are the admin's once installed: a copy of what was installed
# is kept in $PREFIX/share/mod_cors, so that an edited file is never overwritten (the new
# one goes next to it as .dist) and never removed.
set -eu
action=${1:-}
top=$(cd "$(dirname "$0")/.." && pwd)
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
APXS=${APXS:-apxs}
MODULEDIR=${MODULEDIR:-$("$APXS" -q LIBEXECDIR 2>/dev/null || echo /usr/lib/apache2/modules)}
APACHE_CONFDIR=${APACHE_CONFDIR:-$("$APXS" -q SYSCONFDIR 2>/dev/null || echo /etc/apache2)}

module=$DESTDIR$MODULEDIR/mod_cors.so
mods=$DESTDIR$APACHE_CONFDIR/mods-available
pristine=$DESTDIR$PREFIX/share/mod_cors
doc=$DESTDIR$PREFIX/share/doc/mod_cors
bin=$DESTDIR$PREFIX/bin
man=$DESTDIR$PREFIX/share/man
# The manual's pages, as installed under $doc.
docs=$(cd "$top" && ls README.md docs/*.md)

# The admin's copy of a configuration file is unchanged since it was installed.
unedited() { # file
    [ -f "$pristine/$(basename "$1")" ] && cmp -s "$1" "$pristine/$(basename "$1")"
}

# Install configuration file $1 (a source) as $2: over an unedited copy, next to an
# edited one.
install_conf() { # source destination
    name=$(basename "$2")
    if [ -e "$2" ] && ! cmp -s "$1" "$2" && ! unedited "$2"; then
        install -m 644 "$1" "$2.dist"
        echo "kept your edited $2; the new one is $2.dist"
    else
        install -m 644 "$1" "$2"
        rm -f "$2.dist"
    fi
    install -m 644 "$1" "$pristine/$name"
}

do_install() {
    for f in "$top/out/mod_cors.so" "$top/out/cors-lint" "$top/out/man/cors-lint.1" \
        "$top/out/man/mod_cors.8"; do
        [ -e "$f" ] || { echo "install: $f is missing: run make first" >&2; exit 1; }
    done
    install -d "$DESTDIR$MODULEDIR" "$mods" "$pristine" "$doc/docs" "$bin" "$man/man1" \
        "$man/man8"
    install -m 644 "$top/out/mod_cors.so" "$module"
    tmp=$(mktemp)
    echo "LoadModule cors_module $MODULEDIR/mod_cors.so" > "$tmp"
    install_conf "$tmp" "$mods/cors.load"
    rm -f "$tmp"
    install_conf "$top/build/cors.conf" "$mods/cors.conf"
    for f in $docs; do install -m 644 "$top/$f" "$doc/$f"; done
    install -m 644 "$top/out/man/cors-lint.1" "$man/man1/cors-lint.1"
    install -m 644 "$top/out/man/cors-lint-pre-commit.1" "$man/man1/cors-lint-pre-commit.1"
    install -m 644 "$top/out/man/mod_cors.8" "$man/man8/mod_cors.8"
    install -m 755 "$top/out/cors-lint" "$bin/cors-lint"
    install -m 755 "$top/lint/pre-commit" "$bin/cors-lint-pre-commit"
    if [ -n "$DESTDIR" ]; then
        echo "mod_cors and cors-lint installed under $DESTDIR"
    else
        echo "mod_cors installed. Next: a2enmod cors && apache2ctl -t && systemctl reload apache2"
    fi
}

do_uninstall() {
    if [ -e "$DESTDIR$APACHE_CONFDIR/mods-enabled/cors.load" ]; then
        echo "uninstall: mod_cors is enabled: run a2dismod cors (and reload httpd) first" >&2
        exit 1
    fi
    for f in "$mods/cors.load" "$mods/cors.conf"; do
        if [ -e "$f" ] && ! unedited "$f"; then
            echo "kept your edited $f"
        else
            rm -f "$f"
        fi
        rm -f "$f.dist"
    done
    rm -f "$module" "$bin/cors-lint" "$bin/cors-lint-pre-commit"
    rm -f "$man/man1/cors-lint.1" "$man/man1/cors-lint-pre-commit.1" "$man/man8/mod_cors.8"
    for f in $docs; do rm -f "$doc/$f"; done
    rm -f "$pristine/cors.load" "$pristine/cors.conf"
    # only the directories that are ours: share/man/man1 and bin belong to everyone
    rmdir "$pristine" "$doc/docs" "$doc" 2>/dev/null || true
    echo "mod_cors and cors-lint removed"
}

case "$action" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    *) echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
