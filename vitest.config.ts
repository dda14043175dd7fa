import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, findChromium } from './src/cli/hosts/browser-path.ts';

// Two projects: pure logic in Node, everything that touches WebGPU in real headless Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', 'node_modules/**'],
          environment: 'node',
          testTimeout: 1_200_000, // a hang detector only: verdicts never depend on how busy the machine is
        },
      },
      {
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
          testTimeout: 1_800_000, // a hang detector only (SwiftShader shares the cores with everything else)
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
