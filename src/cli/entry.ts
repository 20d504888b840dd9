// Process entry of the `gan` command.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
