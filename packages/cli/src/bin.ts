#!/usr/bin/env node
import { main } from './main.js';

// Exit explicitly: servers are closed by now, and a lingering keep-alive socket must not hold the process.
process.exit(await main(process.argv));
