/**
 * Writes test/models/recipes.json from what the recipes give now: `npm run golden` (with the initializer goldens).
 * Under the test runner (NODE_TEST_CONTEXT set) it writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatRecipeTable, RECIPE_CASES, RECIPE_TABLE_PATH, type RecipeRow, recipeRows } from './recipe-cases.ts';

function generate(): void {
  const table: Record<string, Record<string, RecipeRow>> = {};
  for (const c of RECIPE_CASES) table[c.key] = recipeRows(c);
  writeFileSync(RECIPE_TABLE_PATH, formatRecipeTable(table));
  const count = Object.values(table).reduce((n, rows) => n + Object.keys(rows).length, 0);
  process.stdout.write(`${RECIPE_CASES.length} cases, ${count} parameters written to ${fileURLToPath(RECIPE_TABLE_PATH)}\n`);
}

if (process.env['NODE_TEST_CONTEXT'] === undefined) generate();
