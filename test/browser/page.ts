// The browser page: core and the Sourcere driver, bundled, running one job against the emulator and showing the
// stems. The test serves it and reads the result from the DOM.
import { createStemkit } from '@stemkit/core';
import { sourcere } from '@stemkit/sourcere';

interface PageConfig {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
}

/** One second of a 440 Hz tone over a low hum, 16-bit mono WAV: something to separate, made in the page. */
function toneWav(sampleRate = 22_050): Uint8Array<ArrayBuffer> {
  const frames = sampleRate;
  const view = new DataView(new ArrayBuffer(44 + frames * 2));
  const text = (offset: number, value: string) => {
    for (let index = 0; index < value.length; index += 1)
      view.setUint8(offset + index, value.charCodeAt(index));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + frames * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, frames * 2, true);
  for (let frame = 0; frame < frames; frame += 1) {
    const time = frame / sampleRate;
    const sample = 0.4 * Math.sin(2 * Math.PI * 440 * time) + 0.2 * Math.sin(2 * Math.PI * 55 * time);
    view.setInt16(44 + frame * 2, Math.round(sample * 32_767), true);
  }
  return new Uint8Array(view.buffer);
}

async function main(): Promise<void> {
  const status = document.querySelector<HTMLElement>('#status')!;
  const list = document.querySelector<HTMLUListElement>('#stems')!;
  const config = (await (await fetch('/config.json')).json()) as PageConfig;
  const stemkit = createStemkit({ driver: sourcere(config) });
  // Uploads leave as Blobs here: core sees a browser, which cannot stream request bodies over HTTP/1.1.

  status.textContent = 'uploading';
  const source = new File([toneWav()], 'tone.wav', { type: 'audio/wav' });
  const started = await stemkit.separate({ source, stems: ['vocals', 'instrumental'], formats: ['wav'] });
  const job = await stemkit.wait(started, {
    onProgress: (progress) => {
      status.textContent = progress.status;
    },
  });

  for (const target of job.targets) {
    for (const output of target.outputs) {
      const { body } = await stemkit.download(output);
      const blob = await new Response(body).blob();
      const item = document.createElement('li');
      item.dataset.stem = target.stem;
      item.dataset.size = String(blob.size);
      item.textContent = `${output.name} (${blob.size} bytes)`;
      const audio = document.createElement('audio');
      audio.controls = true;
      audio.src = URL.createObjectURL(new Blob([blob], { type: 'audio/wav' }));
      item.append(audio);
      list.append(item);
    }
  }
  status.textContent = job.status;
  document.body.dataset.state = 'done';
}

main().catch((error: unknown) => {
  document.querySelector('#status')!.textContent = `error: ${String(error)}`;
  document.body.dataset.state = 'error';
});
