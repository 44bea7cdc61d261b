import { Help, type Command } from 'commander';

// Commander writes the words of its help (headings, the help option, "default:") in English only; the
// CLI speaks Chinese first, so each gets its Chinese in front. Subcommands inherit this from the program
// when it is applied before they are added.
const TITLES: Readonly<Record<string, string>> = {
  'Usage:': '用法 Usage:',
  'Arguments:': '参数 Arguments:',
  'Options:': '选项 Options:',
  'Global Options:': '全局选项 Global Options:',
  'Commands:': '命令 Commands:',
};

const LABELS: Readonly<Record<string, string>> = {
  choices: '可选',
  default: '默认',
  preset: '预设',
  env: '环境变量',
};

const plain = new Help();

/** Commander's "(choices: …, default: …)" after a description, each label with its Chinese. */
function labelled(full: string, description: string): string {
  const extra = full.startsWith(description) ? full.slice(description.length) : full;
  const translated = extra.replace(
    /(^|\(|, )(choices|default|preset|env): /g,
    (_m, lead: string, word: string) => `${lead}${LABELS[word] ?? ''} ${word}: `,
  );
  return full.startsWith(description) ? description + translated : translated;
}

/** Makes `program`'s help (and that of every command added after this) bilingual. */
export function useBilingualHelp(program: Command): Command {
  return program
    .configureHelp({
      styleTitle: (title) => TITLES[title] ?? title,
      optionDescription: (option) => labelled(plain.optionDescription(option), option.description),
      argumentDescription: (argument) => labelled(plain.argumentDescription(argument), argument.description),
    })
    .helpOption('-h, --help', '显示帮助 / display help for command')
    .helpCommand('help [command]', '显示某个命令的帮助 / display help for a command');
}
