// Validates Kubernetes manifests (a JSON array of objects on stdin, e.g. a YAML file's documents
// converted by tests/tools/yaml_to_json.py) against the API schemas of kubernetes-models, the
// npm package pinned by tests/fixtures/kubernetes-models. Prints "ok KIND NAME" per object; exits
// 1 naming the first object that is not valid.
// Usage: node validate_k8s.js NODE_MODULES_DIR < manifests.json
const path = require("path");
const modules = path.resolve(process.argv[2]);
const models = {
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
  "batch/v1/Job": "kubernetes-models/batch/v1/Job",
};
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const docs = JSON.parse(input);
  for (const doc of docs) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const where = `${key} ${doc.metadata && doc.metadata.name}`;
    if (!models[key]) {
      console.error(`${where}: no model for this kind here`);
      process.exit(1);
    }
    const module = require(path.join(modules, models[key]));
    const Model = module[doc.kind];
    try {
      new Model(doc).validate();
    } catch (e) {
      console.error(`${where}: ${e.message}`);
      process.exit(1);
    }
    console.log(`ok ${where}`);
  }
});
