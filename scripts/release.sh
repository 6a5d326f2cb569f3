#!/usr/bin/env bash
# Tags a release of the action and moves its major tag to it, so `uses: org/store-submit@v1`
# picks it up:
#
#   scripts/release.sh [--dry-run] [--yes] [--remote NAME] X.Y.Z
#
# Checks first: a clean work tree, the tag not taken, the version above every released one, HEAD on
# the remote's main, and dist/ equal to a fresh `npm run build`. Then creates the annotated tag
# vX.Y.Z at HEAD, moves vX to the same commit (not for a pre-release such as 1.3.0-rc.1), and pushes
# both (vX with --force, since it moves). Asks before changing anything unless --yes.
# --dry-run runs the checks and prints the git commands without running them.
set -euo pipefail

usage() {
  # The comment block at the top of this file, without its '#'.
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
  exit "${1:-2}"
}

dry_run=false
assume_yes=false
remote=origin
version=''
while [ $# -gt 0 ]; do
  case "$1" in
    -n | --dry-run) dry_run=true ;;
    -y | --yes) assume_yes=true ;;
    --remote)
      [ $# -ge 2 ] || usage
      remote="$2"
      shift
      ;;
    -h | --help) usage 0 ;;
    -*) echo "Unknown option: $1" >&2; usage ;;
    *)
      [ -z "$version" ] || { echo "Give one version, not '$version' and '$1'." >&2; usage; }
      version="${1#v}"
      ;;
  esac
  shift
done
[ -n "$version" ] || usage
if ! [[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "'$version' is not a version like 1.2.3 (or 1.2.3-rc.1)." >&2
  exit 2
fi
major="v${BASH_REMATCH[1]}"
tag="v$version"
prerelease=false
[ -z "${BASH_REMATCH[4]}" ] || prerelease=true

cd "$(dirname "$0")/.."
die() { echo "release: $*" >&2; exit 1; }
run() {
  if $dry_run; then
    printf '  (dry run) %s\n' "$*"
  else
    printf '  + %s\n' "$*"
    "$@"
  fi
}

# ---- checks ----
[ -z "$(git status --porcelain --untracked-files=no)" ] || die "the work tree has uncommitted changes; commit or stash them first."
git rev-parse -q --verify "refs/tags/$tag" >/dev/null && die "tag $tag already exists."
head=$(git rev-parse HEAD)

if git remote get-url "$remote" >/dev/null 2>&1; then
  # --force: the remote's tags win, so a major tag another maintainer moved is not refused as a clash.
  git fetch --quiet --force --tags "$remote" main || die "could not fetch from '$remote'."
  git rev-parse -q --verify "refs/tags/$tag" >/dev/null && die "tag $tag already exists on '$remote'."
  git merge-base --is-ancestor HEAD "$remote/main" || die "HEAD ($head) is not on $remote/main; release from main."
else
  $dry_run || die "no remote '$remote'; give one with --remote."
  echo "note: no remote '$remote'; skipping the remote checks (dry run)."
fi

# A release goes above every final release before it (sort -V orders 1.10.0 after 1.9.0); its
# pre-releases (1.3.0-rc.1, -rc.2) share the version they lead to.
core="${version%%-*}"
latest=$(git tag --list 'v*' | sed -n 's/^v\([0-9]*\.[0-9]*\.[0-9]*\)$/\1/p' | sort -V | tail -n 1)
if [ -n "$latest" ] && { [ "$core" = "$latest" ] || [ "$(printf '%s\n%s\n' "$latest" "$core" | sort -V | tail -n 1)" != "$core" ]; }; then
  die "$tag is not above the latest release v$latest."
fi

echo "Checking that dist/ matches a fresh build..."
npm run --silent build >/dev/null
[ -z "$(git status --porcelain -- dist)" ] || die "dist/ differs from a fresh build; run 'npm run build', commit dist/, and try again."

previous=$(git rev-parse -q --verify "refs/tags/$major^{commit}" || true)

# ---- plan ----
echo
echo "Release $tag at $(git log -1 --format='%h %s' HEAD)"
if $prerelease; then
  echo "  $tag is a pre-release: $major stays where it is${previous:+ (${previous:0:7})}."
elif [ -n "$previous" ]; then
  echo "  $major moves from ${previous:0:7} to ${head:0:7}"
  echo "  changes since $major:"
  git log --format='    %h %s' "$previous..HEAD" | head -n 20
else
  echo "  $major is new and points at ${head:0:7}"
fi
echo

if ! $dry_run && ! $assume_yes; then
  read -r -p "Create $tag$($prerelease || echo ", move $major") and push to '$remote'? [y/N] " answer || answer=""
  [[ "$answer" =~ ^[Yy]([Ee][Ss])?$ ]] || die "nothing changed."
fi

# ---- tag and push ----
run git tag -a "$tag" -m "$tag" "$head"
if ! $prerelease; then
  run git tag -f -a "$major" -m "$major -> $tag" "$head"
fi
if git remote get-url "$remote" >/dev/null 2>&1; then
  run git push "$remote" "refs/tags/$tag"
  $prerelease || run git push --force "$remote" "refs/tags/$major"
fi
$dry_run && echo "Dry run: nothing was tagged or pushed." || echo "Released $tag."
