export * from "./date-time.js";
export * from "./errors.js";
export * from "./key-format.js";
export * from "./public-api.js";
export * from "./schemas.js";
