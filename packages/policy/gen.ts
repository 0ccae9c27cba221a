import { parsePolicy, PolicyError } from './src/index.ts';
for (const [name, file, text] of [['empty file', 'empty.yaml', ''], ['a list instead of a mapping', 'list.yaml', '- name: a\n'], ['duplicate key', 'dup.yaml', 'apiVersion: ainka.dev/v1\nkind: Policy\nname: a\nname: b\nrules: []\n']]) {
  try { parsePolicy(text, { file }); console.log('NO ERROR'); } catch (e) { const pe = e as PolicyError; console.log(JSON.stringify([name, pe.code, pe.message])); }
}
