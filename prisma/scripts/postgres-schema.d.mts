export declare function toPostgresSchema(sqliteSchema: string): string;
