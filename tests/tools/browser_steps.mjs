/*
 * The step loop of the system tests' browsers (browser_done.mjs, browser_desk.mjs): one
 * step a line on stdin, its words separated by tabs, the step's name first; one line of
 * JSON on stdout for each, {"error": "..."} if it failed, with "problems": what the
 * pages said since the last answer (taken by takeProblems). Returns at EOF.
 */
import readline from 'node:readline';

export async function answerSteps(steps, takeProblems) {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [name, ...args] = line.split('\t');
    let answer;
    try {
      if (!Object.hasOwn(steps, name))
        throw new Error(`no step "${name}"`);
      answer = await steps[name](...args);
    } catch (e) {
      answer = { error: e.message };
    }
    answer.problems = takeProblems();
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
}
