#!/usr/bin/env node
// Validates every document of deploy/*.yaml (or the files given as arguments) against the Kubernetes
// OpenAPI schemas bundled in the kubernetes-models package, offline: each document is looked up by its
// apiVersion and kind (batch/v1 Job -> kubernetes-models/batch/v1/Job, v1 PersistentVolumeClaim -> .../v1/...) and checked with
// validate(), which reports wrong types, missing required fields and out-of-range values. The schemas
// allow unknown fields, so this script also refuses any field the schema does not define (a misspelled
// `containerPorts` would otherwise pass and be dropped by the API server).
//
//   npm ci --prefix deploy/validate && node deploy/validate/validate.mjs [FILE.yaml ...]
//
// Exit status: 0 when every document is valid, 1 with one line per problem otherwise.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadAll } from "js-yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const deployDir = path.resolve(here, "..");

/** kubernetes-models module of a kind: "v1" -> "v1/Service", "batch/v1" -> "batch/v1/Job". */
function modelModule(apiVersion, kind) {
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) {
    throw new Error(`apiVersion ${JSON.stringify(apiVersion)} is not GROUP/VERSION or VERSION`);
  }
  if (typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    throw new Error(`kind ${JSON.stringify(kind)} is not a Kubernetes kind`);
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function loadModel(apiVersion, kind) {
  const name = modelModule(apiVersion, kind);
  let mod;
  try {
    mod = await import(name);
  } catch (e) {
    if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") {
      throw new Error(`no schema for apiVersion ${apiVersion}, kind ${kind} in kubernetes-models`);
    }
    throw e;
  }
  const model = mod[kind];
  if (typeof model !== "function") {
    throw new Error(`no schema for apiVersion ${apiVersion}, kind ${kind} in kubernetes-models`);
  }
  return model;
}

/**
 * The document behind a Proxy that records which fields the compiled schema validator reads: it reads
 * every property its schema defines (and every key of a map), so a field it never read is one the
 * schema does not know.
 */
function tracked(doc) {
  const objects = [];
  const wrap = (value, pointer) => {
    if (value === null || typeof value !== "object") return value;
    const read = new Set();
    if (!Array.isArray(value)) objects.push({ value, pointer, read });
    const children = new Map();
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key !== "string" || !Object.hasOwn(target, key)) return Reflect.get(target, key, receiver);
        read.add(key);
        if (!children.has(key)) children.set(key, wrap(target[key], `${pointer}/${key}`));
        return children.get(key);
      },
      has(target, key) {
        if (typeof key === "string") read.add(key);
        return Reflect.has(target, key);
      },
    });
  };
  const proxy = wrap(doc, "");
  const unknownFields = () => objects.flatMap(({ value, pointer, read }) =>
    Object.keys(value).filter((k) => !read.has(k)).map((k) => `${pointer}/${k}`));
  return { proxy, unknownFields };
}

/** Schema errors (wrong types, missing required fields, bad values) and unknown fields of one document. */
function documentErrors(model, doc) {
  const { proxy, unknownFields } = tracked(doc);
  let errors = [];
  try {
    model.prototype.validate.call(proxy); // the schema's validate function, on the document as written
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    errors = e.errors.map((err) => `${err.instancePath || "/"}: ${err.message}` +
      (err.keyword === "enum" ? ` (${err.params.allowedValues.join(", ")})` : ""));
  }
  return errors.concat(unknownFields().map((p) => `${p}: unknown field (not in the ${doc.apiVersion} ${doc.kind} schema)`));
}

const files = process.argv.length > 2
  ? process.argv.slice(2)
  : fs.readdirSync(deployDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(deployDir, f));

let problems = 0;
let documents = 0;
for (const file of files) {
  const name = path.relative(process.cwd(), file) || file;
  let docs;
  try {
    docs = loadAll(fs.readFileSync(file, "utf8"));
  } catch (e) {
    console.error(`${name}: not YAML: ${e.message}`);
    problems++;
    continue;
  }
  for (const [i, doc] of docs.entries()) {
    if (doc === null || doc === undefined) continue; // an empty document (a trailing ---)
    documents++;
    const where = `${name} document ${i + 1} (${doc.kind ?? "?"} ${doc.metadata?.name ?? "?"})`;
    let errors;
    try {
      errors = documentErrors(await loadModel(doc.apiVersion, doc.kind), doc);
    } catch (e) {
      errors = [e.message];
    }
    for (const err of errors) console.error(`${where}: ${err}`);
    problems += errors.length;
  }
}
if (documents === 0 && problems === 0) {
  console.error("no Kubernetes documents found in " + files.join(", "));
  process.exit(1);
}
if (problems > 0) {
  console.error(`${problems} problem(s) in the Kubernetes manifests`);
  process.exit(1);
}
console.log(`${documents} Kubernetes documents valid (${files.map((f) => path.basename(f)).join(", ")})`);
