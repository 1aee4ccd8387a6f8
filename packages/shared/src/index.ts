export * from "./errors.js";
export * from "./key-format.js";
export * from "./key-restrictions.js";
export * from "./public-api.js";
export * from "./schemas.js";
