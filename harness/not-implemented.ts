// What every stub throws until the learner writes its body. The message names the function and the
// lesson section to read, so a failing test points straight at the next thing to learn.

export class NotImplemented extends Error {
  constructor(what: string, lessonSection: string) {
    super(`${what} is not implemented yet (lesson: ${lessonSection})`);
    this.name = 'NotImplemented';
  }
}
