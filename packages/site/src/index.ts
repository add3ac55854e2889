export { buildSite, type SiteInput, type SiteOutput } from './build.ts';
export { buildModel, DB_PER_BIT, type FormatRow, paretoFrontier, type SiteModel } from './model.ts';
export { type ParetoRow, paretoCsv, paretoTable } from './pareto.ts';
