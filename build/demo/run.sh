#!/usr/bin/env bash
# make run: a real httpd on loopback with mod_cors. A page on one origin calls an API on
# another; open the page in a browser, or try the curl commands printed below.
# Ctrl-C stops the server. PAGE_PORT and API_PORT override the ports (8080, 8081).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
page_port=${PAGE_PORT:-8080}
api_port=${API_PORT:-8081}
module=$top/out/mod_cors.so
[ -e "$module" ] || { echo "make run: $module is missing (run make)" >&2; exit 1; }

# httpd serves the demo as www-data, which must be able to reach its files: from a clone
# in a private directory (root's home is 0700 on Debian) it cannot, so the demo's files
# then go to a new directory in /tmp.
others_can_reach() { # every directory from / down to $1 lets others through
    local p=$1
    while [ "$p" != / ]; do
        [ -n "$(find "$p" -maxdepth 0 -perm -o+x)" ] || return 1
        p=$(dirname "$p")
    done
}
mkdir -p "$top/out"
if others_can_reach "$top"; then
    dir=$top/out/demo
    rm -rf "$dir"
else
    dir=$(mktemp -d /tmp/mod_cors-demo.XXXXXX)
    echo "make run: www-data cannot reach $top, so the demo serves its files from $dir"
fi
mkdir -p "$dir/logs" "$dir/page" "$dir/api/api/secret" "$dir/api/partner" "$dir/cgi"
sed "s/<html lang=\"en\">/<html lang=\"en\" data-api-port=\"$api_port\">/" \
    build/demo/index.html > "$dir/page/index.html"
echo '{"message": "hello from the API"}' > "$dir/api/api/data.json"
echo '{"secret": true}' > "$dir/api/api/secret/data.json"
echo '{"partner": true}' > "$dir/api/partner/data.json"
cp build/demo/whoami.cgi "$dir/cgi/whoami.cgi"
chmod -R a+rX "$top/out" 2>/dev/null || true
chmod 755 "$dir" "$dir/cgi/whoami.cgi"

cat > "$dir/httpd.conf" <<CONF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$page_port
Listen 127.0.0.1:$api_port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/logs/error.log"
LogLevel warn cors:info
User www-data
Group www-data
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule auth_basic_module /usr/lib/apache2/modules/mod_auth_basic.so
LoadModule authn_file_module /usr/lib/apache2/modules/mod_authn_file.so
LoadModule authz_user_module /usr/lib/apache2/modules/mod_authz_user.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule cgid_module /usr/lib/apache2/modules/mod_cgid.so
LoadModule cors_module $module
TypesConfig /etc/mime.types
ScriptSock "$dir/cgid.sock"
DirectoryIndex index.html
LogFormat "%h \"%r\" %>s cors=%{cors}n" cors
CustomLog "$dir/logs/access.log" cors

<VirtualHost 127.0.0.1:$page_port>
    DocumentRoot "$dir/page"
    <Directory "$dir/page">
        Require all granted
    </Directory>
</VirtualHost>

<VirtualHost 127.0.0.1:$api_port>
    DocumentRoot "$dir/api"
    <Directory "$dir/api">
        Require all granted
    </Directory>
    ScriptAlias /api/whoami "$dir/cgi/whoami.cgi"
    <Location /api>
        CORSAllowOrigin http://127.0.0.1:$page_port http://localhost:$page_port
        CORSAllowMethods GET POST PUT DELETE
        CORSAllowHeaders Content-Type X-Request-Id
        CORSAllowCredentials On
        CORSMaxAge 600
    </Location>
    <Location /api/secret>
        AuthType Basic
        AuthName "demo"
        AuthUserFile /dev/null
        Require valid-user
    </Location>
    <Location /partner>
        CORSAllowOrigin https://partner.example.com
    </Location>
</VirtualHost>
CONF

/usr/sbin/apache2 -d "$dir" -f "$dir/httpd.conf" -t
page=http://127.0.0.1:$page_port/
api=http://127.0.0.1:$api_port
cat <<EOF

mod_cors demo: httpd on loopback with mod_cors ($module)

  The page (origin http://127.0.0.1:$page_port): $page
  The API  (origin $api), with CORS from mod_cors

Open the page in a browser on this machine: each row is a live cross-origin fetch.
Or try, from another terminal:

  # a preflight, answered by mod_cors before authentication (204)
  curl -i -X OPTIONS -H 'Origin: http://127.0.0.1:$page_port' \\
       -H 'Access-Control-Request-Method: PUT' \\
       -H 'Access-Control-Request-Headers: content-type,x-request-id' $api/api/secret/data.json

  # an actual request from an allowed origin, and from a denied one
  curl -i -H 'Origin: http://127.0.0.1:$page_port' $api/api/data.json
  curl -i -H 'Origin: https://evil.example' $api/api/data.json

  # a 401 that still carries the CORS headers
  curl -i -H 'Origin: http://127.0.0.1:$page_port' $api/api/secret/data.json

Access log with each request's CORS outcome (%{cors}n): $dir/logs/access.log
Denials are logged at cors:info in $dir/logs/error.log
Ctrl-C stops the server.
EOF

pid=
stop() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    echo
    echo "mod_cors demo stopped."
    exit 0
}
trap stop INT TERM
/usr/sbin/apache2 -d "$dir" -f "$dir/httpd.conf" -DFOREGROUND &
pid=$!
wait "$pid"
