#!/bin/sh
# make deb-test: the packages from make deb, installed into this machine's real system
# as an admin would (root). Installed, mod_cors is enabled and loads in the system's
# httpd, a configuration with its directives passes apache2ctl -t, a bad one is refused,
# the man pages are found; an edited cors.conf survives a reinstall and an a2dismod is
# respected; purged, nothing is left behind and /etc/apache2 is as it was.
#
# It refuses to start if the packages are installed, if a mod_cors from make install is
# in the way, or if apache2ctl -t fails before it; it purges the packages when it ends,
# also on failure or interruption, so it can be run again.
# check's conditions are single-quoted and eval'd, so the variables they use look unused:
# shellcheck disable=SC2016,SC2034
set -eu
cd "$(dirname "$0")/../.."
pkgs="libapache2-mod-cors cors-lint"
mods=/etc/apache2/mods-available
enabled=/etc/apache2/mods-enabled
pidfile=/var/run/apache2/apache2.pid

die() { echo "deb-test: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: it installs the packages into this system"
mod_deb=$(ls out/deb/libapache2-mod-cors_*.deb 2>/dev/null) || die "no out/deb: run make deb"
lint_deb=$(ls out/deb/cors-lint_*.deb)
version=$(dpkg-deb -f "$mod_deb" Version)

status() { # package: installed, config-files, not-installed, ...
    dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || echo not-installed
}
for p in $pkgs; do
    [ "$(status "$p")" = not-installed ] ||
        die "$p is on this machine ($(status "$p")); purge it first: dpkg --purge $pkgs"
done
for f in /usr/lib/apache2/modules/mod_cors.so $mods/cors.load $mods/cors.conf \
         /usr/bin/cors-lint /usr/local/bin/cors-lint; do
    [ ! -e "$f" ] || die "$f is there (make install?): remove it first (make uninstall)"
done
t_before=$(apache2ctl -t 2>&1) || die "apache2ctl -t fails before the test: $t_before"

# What must come back exactly: httpd's configuration and the state of its helpers.
snapshot() {
    find /etc/apache2 /var/lib/apache2 /usr/lib/apache2/modules \
        \( -type f -exec md5sum {} + \) -o \( -type l -printf '%p -> %l\n' \) \
        -o \( -type d -print \) | sort
}
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
snap_before=$(snapshot)
state_dirs_before=$(find /var/lib/apache2 -type d | sort)
was_running=no
running && was_running=yes

# a2enmod and a2dismod create their (empty) state directories on first use
drop_new_state_dirs() {
    find /var/lib/apache2 -mindepth 1 -type d -empty | sort |
        grep -vxF "$state_dirs_before" | xargs -r rmdir
}
cleanup() {
    for p in $pkgs; do
        if [ "$(status "$p")" != not-installed ]; then
            echo "deb-test: purging $p"
            dpkg --purge "$p" >/dev/null 2>&1 </dev/null || echo "deb-test: purge $p failed"
        fi
    done
    drop_new_state_dirs || true
    # a maintainer script's restart may have started a stopped system httpd
    if [ "$was_running" = no ] && running; then
        invoke-rc.d apache2 stop >/dev/null 2>&1 || apache2ctl -k stop 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
tmp=$(mktemp -d /tmp/cors-deb-test.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The packages' paths that exist before they are installed (shared directories):
# those may stay after the purge, no other.
for deb in "$mod_deb" "$lint_deb"; do
    dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e '/^$/d'
done | sort -u | while IFS= read -r p; do
    if [ -e "$p" ]; then echo "$p"; fi
done > "$tmp/existed"

passes=0
fails=0
check() { # condition-as-command message
    if eval "$1"; then
        echo "ok   $2"
        passes=$((passes + 1))
    else
        echo "FAIL $2"
        fails=$((fails + 1))
    fi
}
install_debs() { dpkg -i "$mod_deb" "$lint_deb" >"$tmp/dpkg.log" 2>&1 </dev/null; }

# install: the module is enabled by its postinst, as Debian's module packages are
check 'install_debs' "dpkg -i installs both packages $version"
[ "$fails" -eq 0 ] || { cat "$tmp/dpkg.log"; exit 1; }
check '[ "$(status libapache2-mod-cors)$(status cors-lint)" = installedinstalled ]' \
    "both packages are installed"
check '[ -L $enabled/cors.load ] && [ -L $enabled/cors.conf ]' \
    "the postinst enabled mod_cors (mods-enabled/cors.load, cors.conf)"
check 'a2enmod cors 2>&1 | grep -q "already enabled"' "a2enmod cors: already enabled"
check 'dpkg-query -W -f="\${Conffiles}" libapache2-mod-cors | grep -q " $mods/cors.conf "' \
    "cors.conf is a conffile"
check 'apache2ctl -t >/dev/null 2>&1' "apache2ctl -t with the packaged cors.conf"
check 'apache2ctl -M 2>/dev/null | grep -q "cors_module (shared)"' "httpd loads cors_module"

# a mod_cors configuration, given to the system's httpd for its syntax check only
cat > "$tmp/cors-test.conf" <<'EOF'
<Location /cors-deb-test>
    CORSAllowOrigin https://app.example.com https://*.example.com
    CORSAllowMethods GET POST PUT
    CORSAllowHeaders Content-Type Authorization
    CORSExposeHeaders ETag
    CORSAllowCredentials On
    CORSMaxAge 600
</Location>
EOF
check 'apache2ctl -t -c "Include $tmp/cors-test.conf" 2>&1 | grep -q "^Syntax OK"' \
    "apache2ctl -t with a mod_cors configuration"
echo '<Location /bad>
    CORSAllowOrigin https://*.com
</Location>' > "$tmp/cors-bad.conf"
check '! apache2ctl -t -c "Include $tmp/cors-bad.conf" >"$tmp/bad.log" 2>&1 &&
       grep -q "CORSAllowOrigin" "$tmp/bad.log"' \
    "apache2ctl -t refuses a wildcard over a public suffix"

check '[ "$(man -w cors-lint 2>/dev/null)" = /usr/share/man/man1/cors-lint.1.gz ]' \
    "man -w cors-lint"
check '[ "$(man -w 8 mod_cors 2>/dev/null)" = /usr/share/man/man8/mod_cors.8.gz ]' \
    "man -w 8 mod_cors"
check 'man -w cors-lint-pre-commit >/dev/null 2>&1' "man -w cors-lint-pre-commit"
check '[ "$(/usr/bin/cors-lint --version)" = "cors-lint $version" ]' \
    "cors-lint --version matches the package version"
check '/usr/bin/cors-lint --fail-on error /etc/apache2 >/dev/null' \
    "cors-lint finds no error in this /etc/apache2"
check '[ "$(command -v cors-lint-pre-commit)" = /usr/bin/cors-lint-pre-commit ]' \
    "the pre-commit hook is installed as cors-lint-pre-commit"
check '[ -f /usr/share/doc/libapache2-mod-cors/README.md.gz ] &&
       [ -d /usr/share/doc/libapache2-mod-cors/docs ] &&
       [ -f /usr/share/doc/cors-lint/copyright ]' "the README, docs/ and copyright"

# the admin's edit of the conffile survives a reinstall (no prompt: stdin is closed)
echo "# edited by deb-test" >> $mods/cors.conf
check 'install_debs' "dpkg -i again over an edited cors.conf"
check 'grep -qx "# edited by deb-test" $mods/cors.conf' "the edit survives the reinstall"
check '! ls $mods/cors.conf.dpkg-* >/dev/null 2>&1' "and no .dpkg-new or .dpkg-dist beside it"

# the admin's a2dismod survives a reinstall too
a2dismod -q cors >/dev/null 2>&1
check 'install_debs && [ ! -e $enabled/cors.load ]' "a reinstall leaves a2dismod's choice alone"
a2enmod -q cors >/dev/null 2>&1

# purge: every packaged path gone, httpd's configuration as it was
# shellcheck disable=SC2086
dpkg -L $pkgs | grep -vx '/\.' > "$tmp/listed"
check 'dpkg --purge $pkgs >"$tmp/dpkg.log" 2>&1 </dev/null' "dpkg --purge both"
check '[ "$(status libapache2-mod-cors)$(status cors-lint)" = not-installednot-installed ]' \
    "both are gone from dpkg's database"
left=$(sort -u "$tmp/listed" | grep -vxF -f "$tmp/existed" | while IFS= read -r p; do
    if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi
done)
check '[ -z "$left" ]' "no path that dpkg -L listed is left${left:+: $left}"
check '[ -z "$(ls -d $mods/cors.* $enabled/cors.* 2>/dev/null)" ]' \
    "no mods-available/cors.* nor mods-enabled/cors.* (the edited cors.conf went too)"
check '[ -z "$(find /var/lib/apache2 -name cors)" ]' "no state left in /var/lib/apache2"
check '[ "$(apache2ctl -t 2>&1)" = "$t_before" ]' "apache2ctl -t says what it said before"
drop_new_state_dirs
snapshot > "$tmp/snap_after"
check 'echo "$snap_before" | diff - "$tmp/snap_after"' \
    "/etc/apache2, /var/lib/apache2 and httpd's module directory as they were"
check '! man -w cors-lint >/dev/null 2>&1' "man -w cors-lint finds nothing"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
