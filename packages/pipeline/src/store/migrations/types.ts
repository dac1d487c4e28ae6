export interface Migration {
  /** Unique, increasing within its file; ranges per feature keep parallel work apart. */
  id: number;
  name: string;
  sql: string;
}
