#!/usr/bin/env bash
# tests/harness/debian-base.sh - give podman the Dockerfile's base images,
# debian:12 and debian:12-slim, when it has none and no image registry can be
# reached: a minimal Debian 12 made by debootstrap from the Debian archive,
# imported with `podman import` and tagged with both names.  Needs root.
#
# An image podman already has under either name (pulled, or made by an
# earlier run) is kept as it is, so after the first run this takes well under
# a second; `podman rmi debian:12 debian:12-slim` makes it anew.  Runs are
# serialized with a lock, so that two test runs at once make one base.
#
# The base differs from Docker's official images in what does not matter to
# the Dockerfile: both are Debian 12 with apt pointing at the Debian archive
# (bookworm, bookworm-updates, bookworm-security); the official -slim has
# fewer documentation files.  NONAGENTD_DEBIAN_MIRROR overrides the archive's
# address (default http://deb.debian.org/debian).
set -eu

mirror=${NONAGENTD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
names="debian:12 debian:12-slim"

missing() {
    local n
    for n in $names; do
        podman image exists "$n" || echo "$n"
    done
}

[ -z "$(missing)" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "debian-base.sh: making the debian:12 base needs root (debootstrap)" >&2
    exit 1
fi
command -v debootstrap >/dev/null 2>&1 ||
    { echo "debian-base.sh: debootstrap is not installed" >&2; exit 1; }

exec 9>/tmp/nonagentd-debian-base.lock
flock 9
todo=$(missing)
[ -z "$todo" ] && exit 0            # made by another run while we waited

root=$(mktemp -d /var/tmp/nonagentd-debian-base.XXXXXX)
trap 'rm -rf -- "$root"' EXIT
start=$SECONDS
echo "debian-base.sh: debootstrap --variant=minbase bookworm from $mirror" >&2
if ! debootstrap --variant=minbase bookworm "$root/fs" "$mirror" >"$root/debootstrap.log" 2>&1; then
    tail -n 20 "$root/debootstrap.log" >&2
    echo "debian-base.sh: debootstrap failed" >&2
    exit 1
fi
fs=$root/fs
rm -f "$fs/etc/apt/sources.list"
cat >"$fs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${mirror}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# What the build left behind: downloaded packages, package lists, logs.
rm -rf "$fs"/var/cache/apt/archives/*.deb "$fs"/var/lib/apt/lists/* "$fs"/var/log/*.log \
       "$fs/debootstrap"
: >"$fs/etc/hostname"

id=$(tar -C "$fs" --numeric-owner -cf - . |
     podman import --change 'CMD ["bash"]' --message "debootstrap --variant=minbase bookworm" - 2>/dev/null)
for n in $todo; do
    podman tag "$id" "$n"
done
id=${id#sha256:}
echo "debian-base.sh: made ${todo//$'\n'/ } (image ${id:0:12}) in $((SECONDS - start)) s" >&2
