// uPlot, the chart library of Prometheus 3's UI, as an ES module for assets/chart.js.
export { default } from 'uplot';
