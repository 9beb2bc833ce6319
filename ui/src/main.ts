import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startLanguage } from './lib/language';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The first frame is already in the window's language.
await startLanguage();

export default mount(App, { target });
