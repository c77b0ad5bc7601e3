# Sourced by the script tests: mirror_checkout SOURCE_DIR BUILD_DIR DEST lays out DEST
# as a checkout of SOURCE_DIR (symlinks to its entries) whose build/ is BUILD_DIR,
# the tree under test, so that documented commands run there exactly as written.
mirror_checkout() {
  local source="$1" build="$2" dest="$3" entry name
  mkdir -p "$dest"
  for entry in "$source"/* "$source"/.[!.]*; do
    name=$(basename "$entry")
    [ "$name" = build ] || [ "$name" = .git ] || ln -s "$entry" "$dest/$name"
  done
  ln -s "$build" "$dest/build"
}
