// Chart.js with only the parts the mood arc uses (tree-shaken; loaded on demand).
import { Chart, LineController, ScatterController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip } from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);
export { Chart };
