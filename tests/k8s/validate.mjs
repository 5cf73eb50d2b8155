// SPDX-License-Identifier: MIT
// Check Kubernetes manifests against the API schema of a real Kubernetes
// release, offline: the validators that the npm package kubernetes-models
// (version pinned in package-lock.json; its schemas are generated from the
// Kubernetes 1.34 OpenAPI document) compiles from that document, with ajv.
//
//   node validate.mjs FILE.yaml...
//
// Prints one line per document ("ok FILE: Kind/name" or "error FILE: ...")
// and exits 1 when any document is invalid.
//
// Those validators check types, enums and required fields but, like the API
// server before strict field validation, let unknown fields through. So each
// document is handed to them behind a Proxy that records every field the
// validator looks at: a field the schema knows is always looked at, so a
// field never looked at is one the schema does not have (a misspelling such
// as "mountPropogation"), and is an error here, as `kubectl apply
// --validate=strict` makes it. A map (labels, nodeSelector) is one whose keys
// the validator lists: all its keys are then known.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const seen = new WeakMap(); // target -> { keys: Set, all: bool }

function watch(value) {
        if (value === null || typeof value !== "object")
                return value;
        const rec = { keys: new Set(), all: Array.isArray(value) };
        const proxy = new Proxy(value, {
                get(t, k, r) {
                        if (typeof k === "string")
                                rec.keys.add(k);
                        const v = Reflect.get(t, k, r);
                        return typeof k === "string" && v !== null && typeof v === "object" ? children.get(v) : v;
                },
                has(t, k) {
                        if (typeof k === "string")
                                rec.keys.add(k);
                        return Reflect.has(t, k);
                },
                ownKeys(t) {
                        rec.all = true;
                        return Reflect.ownKeys(t);
                },
        });
        seen.set(value, rec);
        for (const v of Object.values(value))
                if (v !== null && typeof v === "object")
                        children.set(v, watch(v));
        return proxy;
}
const children = new WeakMap(); // raw child -> its proxy

// The fields of value (and below) that the validator never looked at.
function unknown(value, path, out) {
        if (value === null || typeof value !== "object")
                return out;
        const rec = seen.get(value);
        for (const [k, v] of Object.entries(value)) {
                const p = Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`;
                if (rec && !rec.all && !rec.keys.has(k))
                        out.push(p);
                else
                        unknown(v, p, out);
        }
        return out;
}

// "apps/v1" + "DaemonSet" -> the schema module IoK8sApiAppsV1DaemonSet.
function schemaName(apiVersion, kind) {
        const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
        const parts = String(apiVersion).split("/");
        const [group, version] = parts.length === 1 ? ["core", parts[0]] : [parts[0].split(".")[0], parts[1]];
        return `IoK8sApi${cap(group)}${cap(version)}${kind}`;
}

let bad = 0;
for (const file of process.argv.slice(2)) {
        const docs = parseAllDocuments(readFileSync(file, "utf8"));
        for (const doc of docs) {
                if (doc.errors.length) {
                        console.log(`error ${file}: YAML: ${doc.errors[0].message}`);
                        bad++;
                        continue;
                }
                const obj = doc.toJS();
                if (obj === null || obj === undefined)
                        continue;
                const name = `${obj.kind}/${obj.metadata?.name}`;
                let validate;
                try {
                        ({ validate } = await import(`kubernetes-models/_schemas/${schemaName(obj.apiVersion, obj.kind)}`));
                } catch (e) {
                        if (e.code !== "ERR_MODULE_NOT_FOUND")
                                throw e;
                        console.log(`error ${file}: ${name}: no schema for apiVersion ${obj.apiVersion} kind ${obj.kind}`);
                        bad++;
                        continue;
                }
                const ok = validate(watch(obj));
                const errors = (validate.errors || []).map((e) => `${e.instancePath || "/"}: ${e.keyword} ${JSON.stringify(e.params)}`);
                for (const p of unknown(obj, "", []))
                        errors.push(`${p}: unknown field`);
                if (ok && !errors.length) {
                        console.log(`ok ${file}: ${name}`);
                } else {
                        for (const e of errors)
                                console.log(`error ${file}: ${name}: ${e}`);
                        bad++;
                }
        }
}
process.exit(bad ? 1 : 0);
