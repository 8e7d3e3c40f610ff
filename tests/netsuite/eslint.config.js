// Flat config (ESLint 10). eslint-plugin-suitescript 1.4.1 ships only an eslintrc-style "recommended" config and
// calls context.getSourceCode(), which ESLint 10 removed: its rules are wrapped with @eslint/compat's
// fixupPluginRules, and the eslintrc "env: amd" and SuiteScript 2 globals are spelled out.
'use strict';
const js = require('@eslint/js');
const { fixupPluginRules } = require('@eslint/compat');
const suitescript = require('eslint-plugin-suitescript');

module.exports = [
  {
    files: ['deploy/netsuite/**/*.js'],
    plugins: { suitescript: fixupPluginRules(suitescript) },
    languageOptions: {
      ecmaVersion: 2019,
      sourceType: 'script',
      globals: { define: 'readonly', require: 'readonly', log: 'readonly', util: 'readonly' },
    },
    rules: {
      ...js.configs.recommended.rules,
      ...suitescript.configs.recommended.rules,
    },
  },
];
