#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tools/cgunits: the unit codec on the command line (no mount needed).

# beside the daemon under test (BUILD=build-asan tests/run host tests that build)
CGUNITS=${CGUNITS:-$(dirname "${CGVIEW:-$BATS_TEST_DIRNAME/../../build/cgview}")/cgunits}

setup() {
        [ -x "$CGUNITS" ] || skip "no cgunits binary at $CGUNITS (build first)"
}

@test "cgunits parses human values into the kernel's numbers" {
        [ "$("$CGUNITS" size 1.5G)" = 1610612736 ]
        [ "$("$CGUNITS" size max)" = max ]
        [ "$("$CGUNITS" cpus 150%)" = 150000 ]
        [ "$("$CGUNITS" cpus 1500m 50000)" = 75000 ]
        [ "$("$CGUNITS" duration 0.1s)" = 100000 ]
        [ "$("$CGUNITS" cpulist ' 3,0-2 ')" = 0-3 ]
}

@test "cgunits prints numbers in human units, exactly, and they parse back" {
        [ "$("$CGUNITS" -p size 1610612736)" = 1.5G ]
        [ "$("$CGUNITS" -p size 268439552)" = 262148K ]
        [ "$("$CGUNITS" -p cpus 150000)" = 1.5 ]
        [ "$("$CGUNITS" -p duration 100000)" = 100ms ]
        [ "$("$CGUNITS" size "$("$CGUNITS" -p size 268439552)")" = 268439552 ]
}

@test "cgunits: a non-zero size never prints 0; an optional granularity rounds up to it" {
        [ "$("$CGUNITS" size 0.5)" = 1 ]
        [ "$("$CGUNITS" size 0.0001K)" = 1 ]
        [ "$("$CGUNITS" size 1.0000001)" = 2 ]
        [ "$("$CGUNITS" size 0)" = 0 ]
        [ "$("$CGUNITS" size 4096)" = 4096 ]
        [ "$("$CGUNITS" size 0.5 4K)" = 4096 ]
        [ "$("$CGUNITS" size 0.0001K 2M)" = 2097152 ]
        [ "$("$CGUNITS" size 3M 2M)" = 4194304 ]
        [ "$("$CGUNITS" size 0 4K)" = 0 ]
        [ "$("$CGUNITS" size max 4K)" = max ]
        run "$CGUNITS" size 1 0
        [ "$status" -eq 1 ]
        [[ $output == *"Invalid argument"* ]]
}

@test "cgunits refuses bad values with the errno's message and status 1" {
        run "$CGUNITS" size 1e9
        [ "$status" -eq 1 ]
        [[ $output == *"Invalid argument"* ]]
        run "$CGUNITS" size 16E
        [ "$status" -eq 1 ]
        [[ $output == *"Numerical result out of range"* ]]
        run "$CGUNITS" nosuchkind 1
        [ "$status" -eq 2 ]
}
