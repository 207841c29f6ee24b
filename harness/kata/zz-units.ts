import { course } from '../course.ts';
import { chapterFigures } from './stages.ts';
const chapter = course.find((c) => c.id === '03a')!;
const figures = chapterFigures(chapter);
for (const stage of figures.stages) {
  if (![26,37,38,40].includes(stage.number)) continue;
  console.log(stage.id, stage.title, stage.logicLines, '/', stage.tests.length);
  for (const u of [...stage.functions, ...stage.helpers]) console.log('   ', u.name ? 'F' : 'h', u.key, u.logicLines, u.file.split('/').pop());
}
console.log(figures.problems.join('\n'));
