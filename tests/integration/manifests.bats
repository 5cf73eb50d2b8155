#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# deploy/kubernetes/*.yaml against the Kubernetes API schema (tests/k8s/validate.mjs:
# the npm package kubernetes-models, pinned in tests/k8s/package-lock.json, Kubernetes
# 1.34), offline once `npm ci` has run in tests/k8s (.ci/run does it). Broken copies must
# fail, so the check is shown to catch what it is for. The docker commands of
# docs/containers.md are parsed by the docker client where one is installed.
# Needs neither root nor FUSE.

K8S=$BATS_TEST_DIRNAME/../k8s
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup_file() {
        command -v node > /dev/null || skip "needs node (apt-get install nodejs npm)"
        if [ ! -d "$K8S/node_modules/kubernetes-models" ]; then
                command -v npm > /dev/null || skip "needs npm to install tests/k8s (apt-get install npm)"
                (cd "$K8S" && npm ci --no-audit --no-fund > /dev/null 2>&1) ||
                        skip "npm ci in tests/k8s failed (no access to the npm registry?)"
        fi
}

validate() {
        node "$K8S/validate.mjs" "$@"
}

@test "the DaemonSet, its Namespace and the consumer Pod are valid Kubernetes 1.34 objects" {
        run validate "$REPO"/deploy/kubernetes/*.yaml
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"ok $REPO/deploy/kubernetes/cgview.yaml: Namespace/cgview"* ]]
        [[ $output == *"ok $REPO/deploy/kubernetes/cgview.yaml: DaemonSet/cgview"* ]]
        [[ $output == *"ok $REPO/deploy/kubernetes/consumer-example.yaml: Pod/cgview-consumer"* ]]
        [ "$(grep -c '^ok ' <<< "$output")" = 3 ]
}

# broken SED EXPECTED: a copy of cgview.yaml edited by SED must fail with EXPECTED in the output.
broken() {
        local copy=$BATS_TEST_TMPDIR/broken.yaml
        sed "$1" "$REPO/deploy/kubernetes/cgview.yaml" > "$copy"
        if cmp -s "$copy" "$REPO/deploy/kubernetes/cgview.yaml"; then
                echo "sed $1 changed nothing"
                return 1
        fi
        run validate "$copy"
        echo "$output"
        [ "$status" -eq 1 ] || return 1
        [[ $output == *"$2"* ]] || { echo "expected: $2"; return 1; }
}

@test "a misspelt field is refused (mountPropogation, hostPid, tolerations' operater)" {
        broken 's/mountPropagation: Bidirectional/mountPropogation: Bidirectional/' \
                'DaemonSet/cgview: .spec.template.spec.containers[0].volumeMounts[2].mountPropogation: unknown field'
        broken 's/hostPID: true/hostPid: true/' '.spec.template.spec.hostPid: unknown field'
        broken 's/- operator: Exists/- operater: Exists/' '.spec.template.spec.tolerations[0].operater: unknown field'
        broken 's/^  updateStrategy:/  updateStrategie:/' '.spec.updateStrategie: unknown field'
}

@test "a wrong type, a value outside an enum, a missing required field are refused" {
        broken 's/hostPID: true/hostPID: "yes"/' '/spec/template/spec/hostPID: type {"type":"boolean"}'
        broken 's/maxUnavailable: 1/maxUnavailable: [1]/' 'maxUnavailable'
        broken 's/mountPropagation: Bidirectional/mountPropagation: Bidirectionnal/' 'mountPropagation: enum'
        broken 's/^        - name: cgview$/        - nam: cgview/' 'required {"missingProperty":"name"}'
        broken 's/periodSeconds: 1$/periodSeconds: one/' 'periodSeconds: type'
}

@test "the docker commands of docs/containers.md parse (the docker client, no daemon needed)" {
        command -v docker > /dev/null || skip "no docker client installed"
        local cmds n=0 line
        cmds=$(sed -n 's/^\$ \(docker run .*\)$/\1/p' "$REPO/docs/containers.md")
        [ -n "$cmds" ]
        while IFS= read -r line; do
                n=$((n + 1))
                # a daemon that is not there: the client parses every flag first, --mount included
                run env DOCKER_HOST=unix:///nonexistent/docker.sock bash -c "$line"
                echo "$line: $output"
                [[ $output == *"Cannot connect to the Docker daemon"* ]]
        done <<< "$cmds"
        [ "$n" -ge 3 ]
        # and a misspelt --mount key is one the client refuses
        run env DOCKER_HOST=unix:///nonexistent/docker.sock docker run --rm \
                --mount type=bind,source=/cg,target=/cg,bind-propogation=rslave debian:bookworm-slim true
        [[ $output == *"unexpected key 'bind-propogation'"* ]]
}
