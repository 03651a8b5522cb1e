// A static HTTP server for web/ on 127.0.0.1 (a free port), for the browser test and
// scripts/bench-web.mjs: .js/.mjs as JavaScript and .wasm as application/wasm, which
// instantiateStreaming requires. `extra` maps URL paths to other files to serve.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
    '.wasm': 'application/wasm', '.json': 'application/json', '.gz': 'application/gzip' };

export async function serveWeb(webDir, extra = {}) {
    const server = createServer((request, response) => {
        const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
        const file = extra[path] || join(webDir, path.endsWith('/') ? `${path}index.html` : path);
        try {
            const body = readFileSync(file);
            response.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
            response.end(body);
        } catch {
            response.writeHead(404);
            response.end();
        }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}
