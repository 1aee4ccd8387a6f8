export * from "./date-time.js";
export * from "./errors.js";
export { fieldMessage } from "./field-messages.js";
export * from "./key-format.js";
export * from "./key-lifetime.js";
export * from "./key-restrictions.js";
export * from "./key-usage.js";
export * from "./public-api.js";
export * from "./schemas.js";
