#!/bin/sh
# Compiles README.md's library examples: every ```swift block of the README becomes a function
# of Tests/HXSimCLITests/ReadmeExamples.generated.swift that runs the block as written and hands
# its top-level values (every `let`/`var` at the start of a line) and what it prints to the test
# (ReadmeExamplesTests), which checks them against the chip's published anchors and closed forms.
#
#   scripts/readme-examples.sh          regenerate the file from README.md
#   scripts/readme-examples.sh --check  exit 1, with a diff, if the file is not what README.md
#                                       gives today (the test suite runs this)
#
# Needs only a POSIX shell and awk. Run from anywhere; paths are relative to the package root.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
readme="$root/README.md"
target="$root/Tests/HXSimCLITests/ReadmeExamples.generated.swift"

generate() {
    awk '
    function flush_block(   i, line, name) {
        count += 1
        body[count] = ""
        names[count] = ""
        for (i = 1; i <= n; i++) {
            line = lines[i]
            if (line ~ /^import [A-Za-z_][A-Za-z0-9_]*[ \t]*$/) {
                sub(/[ \t]+$/, "", line)
                imports[line] = 1
                continue
            }
            body[count] = body[count] (line == "" ? "" : "    " line) "\n"
            if (match(line, /^(let|var)[ \t]+[A-Za-z_][A-Za-z0-9_]*/)) {
                name = substr(line, RSTART, RLENGTH)
                sub(/^(let|var)[ \t]+/, "", name)
                names[count] = names[count] " " name
            }
        }
        start[count] = first
        stop[count] = last
    }
    /^```swift[ \t]*$/ { inside = 1; n = 0; first = NR + 1; next }
    /^```[ \t]*$/ && inside { inside = 0; last = NR - 1; flush_block(); next }
    inside { lines[++n] = $0 }
    END {
        if (inside) { print "README.md: a ```swift block is not closed" > "/dev/stderr"; exit 1 }
        print "// swift-format-ignore-file"
        print "// Generated from README.md by scripts/readme-examples.sh: do not edit; edit the README"
        print "// and run the script. Each ```swift block of the README, as written, in a function that"
        print "// hands its top-level values and its printed text to ReadmeExamplesTests."
        print ""
        m = 0
        for (line in imports) sortedImports[++m] = line
        sortedImports[++m] = "import HXTestSupport"
        for (i = 2; i <= m; i++) {
            for (j = i; j > 1 && sortedImports[j - 1] > sortedImports[j]; j--) {
                swap = sortedImports[j]; sortedImports[j] = sortedImports[j - 1]
                sortedImports[j - 1] = swap
            }
        }
        for (i = 1; i <= m; i++) print sortedImports[i]
        print ""
        for (i = 1; i <= count; i++) {
            printf "/// README.md, lines %d–%d.\n", start[i], stop[i]
            printf "func readmeExample%d(_ scope: ReadmeScope) throws {\n", i
            print "    func print(_ items: Any..., separator: String = \" \", terminator: String = \"\\n\") {"
            print "        scope.print(items.map { \"\\($0)\" }.joined(separator: separator) + terminator)"
            print "    }"
            printf "%s", body[i]
            k = split(names[i], declared, " ")
            for (j = 1; j <= k; j++) {
                if (declared[j] != "") printf "    scope.values[\"%s\"] = %s\n", declared[j], declared[j]
            }
            print "}"
            print ""
        }
        print "/// Every example, with the README line its block starts at."
        print "enum ReadmeExamples {"
        print "    static let all: [(line: Int, run: @Sendable (ReadmeScope) throws -> Void)] = ["
        for (i = 1; i <= count; i++) printf "        (%d, readmeExample%d),\n", start[i], i
        print "    ]"
        print "}"
    }' "$readme"
}

if [ "${1:-}" = "--check" ]; then
    fresh=$(mktemp)
    trap 'rm -f "$fresh"' EXIT
    generate > "$fresh"
    if ! cmp -s "$fresh" "$target"; then
        echo "$target is not what README.md gives: run scripts/readme-examples.sh" >&2
        diff -u "$target" "$fresh" >&2 || true
        exit 1
    fi
    exit 0
fi
temporary="$target.tmp.$$"
generate > "$temporary"
mv "$temporary" "$target"
echo "wrote $target"
