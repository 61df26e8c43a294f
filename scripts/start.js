#!/usr/bin/env node
'use strict';
// `npm start`: serves the add-in on https://localhost:3000 (webpack dev server with the
// office-addin-dev-certs certificate) and, where desktop Excel exists (Windows, macOS),
// sideloads manifest.xml into it with office-addin-debugging. Elsewhere it says how to sideload.
const { spawn } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const server = spawn(bin('webpack'), ['serve', '--mode', 'development', '--env', 'https'], { cwd: root, stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 0));

if (process.platform === 'win32' || process.platform === 'darwin') {
  // office-addin-debugging is fetched on demand: it depends on a native keychain module
  // (keytar) that does not build everywhere, and only sideloading needs it.
  const sideload = spawn('npx', ['--yes', 'office-addin-debugging@7', 'start', 'manifest.xml', 'desktop', '--no-debug', '--dev-server-port', '3000'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  sideload.on('exit', (code) => {
    if (code !== 0) console.error('自动旁加载失败：请按 README“在 Excel 中旁加载”一节手动加载 manifest.xml。');
  });
} else {
  console.log('此系统没有桌面版 Excel：请在 Excel 网页版中上传 manifest.xml 旁加载（见 README）。');
}
