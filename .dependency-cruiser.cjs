/** Layer rules from docs/style.md: dependencies point inward. */
module.exports = {
  forbidden: [
    { name: "domain-is-pure", severity: "error", comment: "domain/ imports nothing from other layers and does no I/O",
      from: { path: "^src/domain", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(app|store|channels|http|worker|web)|^(fs|node:fs|net|node:net|http|node:http|pg|child_process|node:child_process)$|node_modules/(pg|fastify|graphile-worker|@electric-sql)" } },
    { name: "app-not-outer", severity: "error", comment: "use cases do not know HTTP, workers or the web app",
      from: { path: "^src/app" }, to: { path: "^src/(http|worker|web)" } },
    { name: "store-not-outer", severity: "error", comment: "store/ knows the domain only",
      from: { path: "^src/store" }, to: { path: "^src/(app|channels|http|worker|web)" } },
    { name: "http-no-sql", severity: "error", comment: "routes call use cases, never the database driver",
      from: { path: "^src/http" }, to: { path: "node_modules/(pg|@electric-sql)/" } },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
