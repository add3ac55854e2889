export { buildSite, type SiteInput, type SiteOutput } from './build.ts';
export { type FormatData, formatData } from './format-data.ts';
export { METRIC } from './metrics.ts';
export { buildModel, DB_PER_BIT, type FormatRow, paretoFrontier, type SiteModel } from './model.ts';
export { neighbours } from './neighbours.ts';
export { classifyChange, type NoiseBand, noiseBand } from './noise.ts';
export { type ParetoRow, paretoCsv, paretoTable } from './pareto.ts';
export { buildTrends, type Trend } from './trends.ts';
