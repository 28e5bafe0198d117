#!/usr/bin/env bash
# The mutation check: does the test suite catch a wrong chip?
#
# Applies each deliberate bug of scripts/mutants.txt, one at a time, to a copy of the package
# (never to the working tree), builds it and runs the tests, and prints a table: mutant, module,
# killed or survived, the first test that failed, seconds. Goal: every mutant killed.
#
#   scripts/mutation-check.sh                    every mutant, the whole test suite each (one
#                                                target at a time, the mutant's own first,
#                                                stopping at the first that fails)
#   scripts/mutation-check.sh --quick            only the test targets each mutant lists
#   scripts/mutation-check.sh --mutant NAME      one mutant (repeat, or NAME,NAME)
#   scripts/mutation-check.sh --jobs N           N copies side by side (each builds once)
#   scripts/mutation-check.sh --list             the mutants, and whether each still applies
#   options: --mutants FILE (another list), --work DIR (where the copies live; default
#   .build-mutation in the package), --timeout SECONDS (per test run; default 1800),
#   --no-baseline (skip the unmutated run that checks the selected tests pass first)
#
# The copies keep their .build between mutants and between runs, so each mutant is an
# incremental debug build of the module it touches and those above it. A mutant whose original
# text is not in its file (the code moved) is reported as DOES NOT APPLY and fails the check:
# re-anchor it in the list. Exit status: 0 when every selected mutant applied and was killed.
set -euo pipefail

# Everything is in main, so that bash has read the whole script before it starts (editing it
# while a check runs cannot change the running check).
main() {
root=$(cd "$(dirname "$0")/.." && pwd)
list="$root/scripts/mutants.txt"
work="$root/.build-mutation"
jobs=1
quick=0
only=()
timeout_seconds=1800
baseline=1
list_only=0

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --mutant) shift; IFS=, read -r -a names <<<"$1"; only+=("${names[@]}") ;;
    --jobs) shift; jobs=$1 ;;
    --mutants) shift; list=$1 ;;
    --work) shift; work=$1 ;;
    --timeout) shift; timeout_seconds=$1 ;;
    --no-baseline) baseline=0 ;;
    --list) list_only=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "mutation-check: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$jobs" in '' | *[!0-9]* | 0) echo "mutation-check: --jobs needs a positive number" >&2; exit 2 ;; esac
[ -f "$list" ] || { echo "mutation-check: no mutant list at $list" >&2; exit 2; }

say() { echo "mutation-check: $*" >&2; }

# --- The list: one directory per mutant with name, file, tests, why, original, replacement.
parsed="$work/list"
rm -rf "$parsed"
mkdir -p "$parsed"
perl -e '
    use strict; use warnings;
    my ($list, $out) = @ARGV;
    open(my $in, "<", $list) or die "cannot read $list: $!\n";
    my ($n, $mode, %m) = (0, "");
    my $flush = sub {
        return unless %m;
        for my $key (qw(name file tests why original replacement)) {
            die "$list: mutant \"" . ($m{name} // "?") . "\" has no $key\n" unless defined $m{$key};
        }
        $n++;
        my $dir = sprintf("%s/%03d", $out, $n);
        mkdir $dir or die "$dir: $!\n";
        for my $key (keys %m) {
            open(my $f, ">", "$dir/$key") or die "$dir/$key: $!\n";
            print $f $m{$key};
            close $f;
        }
        %m = ();
    };
    while (my $line = <$in>) {
        chomp $line;
        if ($mode eq "original" || $mode eq "replacement") {
            if ($line eq "--- replacement" && $mode eq "original") { $mode = "replacement"; $m{replacement} = undef; next }
            if ($line eq "--- end") { $mode = ""; next }
            $m{$mode} = defined $m{$mode} ? "$m{$mode}\n$line" : $line;
            next;
        }
        if ($line =~ /^## (\S+)\s*$/) { $flush->(); $m{name} = $1; next }
        next if $line =~ /^#/ || $line =~ /^\s*$/;
        if ($line =~ /^(file|tests|why): ?(.*)$/) { $m{$1} = $2; next }
        if ($line eq "--- original") { $mode = "original"; $m{original} = undef; next }
        die "$list: cannot read line \"$line\"\n";
    }
    $flush->();
    die "$list: mutant block not closed with --- end\n" if $mode ne "";
' "$list" "$parsed"

# Replace the mutant's original text with its replacement in one file, in place, literally.
# Prints the number of occurrences of the original; changes the file only when it is one.
apply_mutant() { # mutant-dir file-to-change
    perl -e '
        use strict; use warnings;
        my ($dir, $path) = @ARGV;
        local $/;
        open(my $o, "<", "$dir/original") or die; my $original = <$o>;
        open(my $r, "<", "$dir/replacement") or die; my $replacement = <$r>;
        open(my $f, "<", $path) or do { print "0\n"; exit 0 };
        my $text = <$f>; close $f;
        my ($count, $at) = (0, -1);
        my $position = 0;
        while ((my $i = index($text, $original, $position)) >= 0) { $count++; $at = $i; $position = $i + 1 }
        print "$count\n";
        exit 0 unless $count == 1 && $ARGV[2];
        substr($text, $at, length($original)) = $replacement;
        open(my $w, ">", $path) or die "$path: $!\n"; print $w $text; close $w;
    ' "$1" "$2" "${3:-}"
}

mutants=()
for dir in "$parsed"/*/; do
    dir=${dir%/}
    name=$(cat "$dir/name")
    if [ ${#only[@]} -gt 0 ]; then
        keep=0
        for wanted in "${only[@]}"; do [ "$wanted" = "$name" ] && keep=1; done
        [ $keep = 1 ] || continue
    fi
    mutants+=("$dir")
done
if [ ${#only[@]} -gt 0 ]; then
    for wanted in "${only[@]}"; do
        found=0
        for dir in "${mutants[@]}"; do [ "$(cat "$dir/name")" = "$wanted" ] && found=1; done
        [ $found = 1 ] || { echo "mutation-check: no mutant named $wanted in $list" >&2; exit 2; }
    done
fi
[ ${#mutants[@]} -gt 0 ] || { echo "mutation-check: no mutants selected" >&2; exit 2; }

if [ $list_only = 1 ]; then
    printf '| mutant | module | applies | why |\n| --- | --- | --- | --- |\n'
    for dir in "${mutants[@]}"; do
        file=$(cat "$dir/file")
        count=$(apply_mutant "$dir" "$root/$file")
        case "$count" in 1) state=yes ;; 0) state="DOES NOT APPLY (not found)" ;; *) state="DOES NOT APPLY ($count places)" ;; esac
        module=$(echo "$file" | sed -n 's|^Sources/\([^/]*\)/.*|\1|p')
        printf '| %s | %s | %s | %s |\n' "$(cat "$dir/name")" "$module" "$state" "$(cat "$dir/why")"
    done
    exit 0
fi

# --- The copies. A snapshot of the package's files (tracked and untracked, not ignored) is
# taken once, so that edits made while the check runs do not reach it. Each slot holds the
# snapshot at the same path every run; files are copied only when they differ, with their times
# kept, so the slot's .build stays valid and a build after a mutant recompiles only what
# changed.
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard | sort -u)
snapshot="$work/snapshot"
copy_changed() { # from-directory to-directory; one process, however many files
    printf '%s\0' "${files[@]}" | perl -0 -e '
        use strict; use warnings; use File::Copy qw(copy); use File::Path qw(make_path);
        use File::Basename qw(dirname);
        my ($from, $to) = @ARGV;
        sub slurp { my $p = shift; open(my $f, "<:raw", $p) or return undef; local $/; my $d = <$f>; $d // "" }
        while (my $path = <STDIN>) {
            chomp $path;
            my $source = "$from/$path";
            next unless -f $source;
            my $target = "$to/$path";
            my $new = slurp($source);
            my $old = slurp($target);
            next if defined $old && $old eq $new;
            make_path(dirname($target));
            copy($source, $target) or die "copy $source: $!\n";
            my @stat = stat($source);
            utime($stat[8], $stat[9], $target);
            chmod($stat[2] & 07777, $target);
        }
    ' "$1" "$2"
}
copy_changed "$root" "$snapshot"
sync_slot() { # slot directory
    local slot=$1
    copy_changed "$snapshot" "$slot"
    # Files of earlier runs that the package no longer has.
    (cd "$slot" && find . -path ./.build -prune -o -type f -print | sed 's|^\./||') | sort >"$slot.files"
    printf '%s\n' "${files[@]}" | sort >"$slot.wanted"
    comm -23 "$slot.files" "$slot.wanted" | while read -r stale; do rm -f "$slot/$stale"; done
    rm -f "$slot.files" "$slot.wanted"
}

if [ -d "$root/../shared/datasets" ] && [ -z "${HXSIM_DATASETS:-}" ]; then
    export HXSIM_DATASETS="$root/../shared/datasets"
fi

# Every test target of the package, in the order of the Tests folder.
all_targets=()
for target in "$root"/Tests/*Tests; do all_targets+=("$(basename "$target")"); done

targets_for() { # mutant-dir → the test targets to run, one per line, the listed ones first
    local listed target
    listed=$(cat "$1/tests")
    for target in $listed; do echo "$target"; done
    [ $quick = 1 ] && return 0
    for target in "${all_targets[@]}"; do
        case " $listed " in *" $target "*) ;; *) echo "$target" ;; esac
    done
}

# Runs one test target in a slot, appending its output to a log; fails when no test of the
# target ran (a misspelt target in the list would otherwise pass).
run_target() { # slot target log
    local output status=0
    output=$(mktemp)
    (cd "$1" && timeout "$timeout_seconds" swift test --skip-build --filter "^$2\." >"$output" 2>&1) ||
        status=$?
    cat "$output" >>"$3"
    if [ $status = 0 ] && ! grep -qE 'Test run with [1-9][0-9]* test' "$output"; then
        echo "mutation-check: no test of $2 ran (is it a test target?)" >>"$3"
        status=3
    fi
    rm -f "$output"
    return $status
}

# The first test that failed, from swift test's output.
first_failure() { # log
    local line
    line=$(grep -m1 -E '^✘ Test "|^✘ Test [a-zA-Z]' "$1" || true)
    if [ -n "$line" ]; then
        echo "$line" | sed -E 's/^✘ Test "([^"]*)".*/\1/; s/^✘ Test ([^ ]*).*/\1/' | cut -c1-90
        return
    fi
    line=$(grep -m1 -E 'error:|Fatal error|Crash|signal' "$1" || true)
    echo "${line:-(no test named; see log)}" | cut -c1-90
}

results="$work/results"
rm -rf "$results"
mkdir -p "$results"
started=$(date +%s)

run_slot() { # slot-index, then mutant dirs
    local index=$1
    shift
    local slot="$work/slot-$index/package"
    local logs="$work/slot-$index/logs"
    mkdir -p "$logs"
    sync_slot "$slot"
    say "slot $index: building the unmutated copy"
    if ! (cd "$slot" && swift build --build-tests >"$logs/baseline-build.log" 2>&1); then
        say "slot $index: the unmutated copy does not build; see $logs/baseline-build.log"
        for dir in "$@"; do
            printf '%s\t%s\t%s\t%s\t%s\n' "$(cat "$dir/name")" "-" "NOT RUN (baseline build failed)" "-" "0" >"$results/$(basename "$dir")"
        done
        return
    fi
    if [ $baseline = 1 ]; then
        say "slot $index: running the selected tests on the unmutated copy"
        local filters=() dir filter
        if [ $quick = 1 ]; then
            filter=$(for dir in "$@"; do printf '%s\n' $(cat "$dir/tests"); done | sort -u | paste -sd'|' -)
            filters=(--filter "^($filter)\.")
        fi
        if ! (cd "$slot" && timeout "$timeout_seconds" swift test --skip-build "${filters[@]}" >"$logs/baseline-test.log" 2>&1); then
            say "slot $index: the unmutated tests fail ($(first_failure "$logs/baseline-test.log")); see $logs/baseline-test.log"
            for dir in "$@"; do
                printf '%s\t%s\t%s\t%s\t%s\n' "$(cat "$dir/name")" "-" "NOT RUN (unmutated tests fail)" "-" "0" >"$results/$(basename "$dir")"
            done
            return
        fi
    fi
    local count=0 total=$#
    for dir in "$@"; do
        count=$((count + 1))
        local name file module log t0 status result failed seconds occurrences
        name=$(cat "$dir/name")
        file=$(cat "$dir/file")
        module=$(echo "$file" | sed -n 's|^Sources/\([^/]*\)/.*|\1|p')
        log="$logs/$name.log"
        t0=$(date +%s)
        sync_slot "$slot"
        occurrences=$(apply_mutant "$dir" "$slot/$file" apply)
        if [ "$occurrences" != 1 ]; then
            result="DOES NOT APPLY"
            [ "$occurrences" = 0 ] && failed="original text not found in $file" || failed="original text found $occurrences times in $file"
            say "[$count/$total slot $index] $name: DOES NOT APPLY: $failed"
            printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$module" "$result" "$failed" "0" >"$results/$(basename "$dir")"
            continue
        fi
        say "[$count/$total slot $index] $name: building"
        if ! (cd "$slot" && swift build --build-tests >"$log" 2>&1); then
            result="DOES NOT COMPILE"
            failed=$(grep -m1 'error:' "$log" | cut -c1-90 || true)
        else
            # One test target at a time, the mutant's own first; the first target that fails
            # kills it (the rest need not run). A survivor has run every target.
            local target
            status=0
            for target in $(targets_for "$dir"); do
                say "[$count/$total slot $index] $name: testing $target"
                run_target "$slot" "$target" "$log" || status=$?
                [ $status = 0 ] || break
            done
            if [ $status = 0 ]; then
                result="SURVIVED"
                failed="-"
            elif [ $status = 124 ]; then
                result="killed (timeout)"
                failed="no result within ${timeout_seconds} s"
            elif [ $status = 3 ]; then
                result="NOT RUN"
                failed="no test of $target ran: check the mutant's tests line"
            else
                result="killed"
                failed=$(first_failure "$log")
            fi
        fi
        seconds=$(($(date +%s) - t0))
        say "[$count/$total slot $index] $name: $result ($failed), $seconds s"
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$module" "$result" "$failed" "$seconds" >"$results/$(basename "$dir")"
    done
    # Leave the copy unmutated for the next run.
    sync_slot "$slot"
}

# Deal the mutants to the slots round-robin and run the slots side by side.
declare -a assignment
for i in "${!mutants[@]}"; do
    slot=$((i % jobs))
    assignment[$slot]="${assignment[$slot]:-} ${mutants[$i]}"
done
pids=()
for ((slot = 0; slot < jobs; slot++)); do
    [ -n "${assignment[$slot]:-}" ] || continue
    # shellcheck disable=SC2086
    run_slot "$slot" ${assignment[$slot]} &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
elapsed=$(($(date +%s) - started))

# --- The table, in list order.
killed=0
bad=0
echo "| mutant | module | result | first failing test | seconds |"
echo "| --- | --- | --- | --- | ---: |"
for dir in "${mutants[@]}"; do
    IFS=$'\t' read -r name module result failed seconds <"$results/$(basename "$dir")"
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$module" "$result" "$failed" "$seconds"
    case "$result" in killed*) killed=$((killed + 1)) ;; *) bad=$((bad + 1)) ;; esac
done
echo
mode="whole suite per mutant"
[ $quick = 1 ] && mode="the listed test targets per mutant"
echo "$killed of ${#mutants[@]} mutants killed ($mode, $jobs job(s)); wall time $((elapsed / 60)) min $((elapsed % 60)) s"
[ $bad = 0 ]
}

main "$@"
