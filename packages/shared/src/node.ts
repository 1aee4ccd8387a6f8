export * from "./ids.js";
export * from "./key-secret.js";
