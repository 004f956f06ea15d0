#!/usr/bin/env bash
# Build the frozen one-folder bundle dist/psoas-timer/, its archive
# dist/psoas-timer-VERSION-linux-ARCH.tar.zst and the Debian package
# dist/psoas-timer_VERSION_ARCH.deb. Installs what it needs: Debian packages
# with apt, and PyInstaller with the app into build/package-venv/ (never .venv/).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

APP_ID="io.github.psoas_timer.PsoasTimer"
BUILD="$ROOT/build"
DIST="$ROOT/dist"

ensure_debian_packages "$HERE/system-libs.txt" "$HERE/build-libs.txt"
make_package_venv
VERSION="$("$PACKAGE_VENV/bin/python" -I -c \
    'import importlib.metadata as m; print(m.version("psoas-timer"))')"
ARCH="$(dpkg --print-architecture)"

echo "Rendering icons into build/icons/"
rm -rf "$BUILD/icons"
QT_QPA_PLATFORM=offscreen "$PACKAGE_VENV/bin/python" "$HERE/icons.py" "$BUILD/icons" >/dev/null

echo "Freezing psoas-timer $VERSION into dist/psoas-timer/"
rm -rf "$DIST/psoas-timer"
mkdir -p "$DIST" "$BUILD/pyinstaller"
PSOAS_TIMER_ICONS="$BUILD/icons" freeze "$HERE/psoas-timer.spec" "$DIST" "$BUILD/pyinstaller"
strip_debug_info "$DIST/psoas-timer"

archive="$DIST/psoas-timer-$VERSION-linux-$(uname -m).tar.zst"
echo "Compressing into ${archive#"$ROOT"/}"
compress_bundle "$DIST/psoas-timer" "$archive"

echo "Packing the .deb"
stage="$BUILD/deb/psoas-timer"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/metainfo" "$stage/usr/share/icons" "$stage/usr/share/doc/psoas-timer"
cp -a "$DIST/psoas-timer" "$stage/opt/psoas-timer"
install -m 0755 "$HERE/linux/psoas-timer" "$stage/usr/bin/psoas-timer"
install -m 0644 "$HERE/linux/$APP_ID.desktop" "$stage/usr/share/applications/"
install -m 0644 "$HERE/linux/$APP_ID.metainfo.xml" "$stage/usr/share/metainfo/"
cp -R "$BUILD/icons/hicolor" "$stage/usr/share/icons/"
install -m 0644 "$HERE/linux/copyright" "$stage/usr/share/doc/psoas-timer/copyright"
install -m 0755 "$HERE/linux/postinst" "$HERE/linux/postrm" "$stage/DEBIAN/"
chmod -R u+rwX,go+rX,go-w "$stage"

# Depends: the system libraries the bundle uses but does not carry (found from
# its ELF files), plus fonts and their configuration, which Qt reads but no
# library names.
mapfile -t libs < <("$PACKAGE_VENV/bin/python" "$HERE/linux/depends.py" "$DIST/psoas-timer")
depends="$(printf '%s\n' "${libs[@]}" fontconfig-config fonts-dejavu-core | sort -u | paste -sd, - \
    | sed 's/,/, /g')"
# Recommends: the voice (packages the app speaks with; without them it shows
# its steps as text, as run.sh says) and a sound server for the cues.
recommends="$(package_list "$HERE/speech-packages.txt" | paste -sd, - | sed 's/,/, /g')"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: psoas-timer
Version: $VERSION
Architecture: $ARCH
Maintainer: psoas-timer developers
Installed-Size: $installed_size
Depends: $depends
Recommends: $recommends, pulseaudio | pipewire-pulse
Section: utils
Priority: optional
Homepage: https://github.com/psoas-timer/psoas-timer
Description: breath-paced psoas self-release sessions with a tenderness log
 Psoas Timer guides you through releasing a tight psoas or iliacus muscle
 with a self-massage tool, paced by slow breathing, and shows over the weeks
 whether it is working: placement diagrams for each tool, a pacing ring with
 tones and a voice to follow face down, safe escalation, timed stretches and
 a 0-10 tenderness log kept on your computer.
 .
 This package carries its own Python and Qt under /opt/psoas-timer.
CONTROL
deb="$DIST/psoas-timer_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zzstd -z19 --build "$stage" "$deb" >/dev/null

echo
echo "Built:"
du -sh "$DIST/psoas-timer" "$archive" "$deb" | sed "s|$ROOT/||"
echo "Depends: $depends"
